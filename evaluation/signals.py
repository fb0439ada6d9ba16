"""Signals the evaluation app sends after its data changes (after commit).

Other apps (page caches, search indexing) subscribe to these instead of
reaching into the models; senders are the :mod:`evaluation.nok.services`.
"""

from django.dispatch import Signal

#: A campaign's results were recomputed. ``campaign`` is the Campaign.
results_recomputed = Signal()

#: A campaign's results were published (a new version). ``campaign`` and
#: ``publication`` are sent.
results_published = Signal()

#: A campaign moved in its life cycle (a Декада becomes public when
#: "published"). ``campaign`` is sent.
campaign_status_changed = Signal()

#: A campaign's results were sent to the public council (``step="send"``) or
#: taken back for rework (``step="return"``). Sent inside the transaction of
#: the step, so a receiver that raises refuses it. ``campaign``, ``actor`` and
#: ``step`` are sent; ``publications`` runs the council review workflow on the
#: campaign's results page.
campaign_council_step = Signal()

#: An instruction of the ministry was issued or an answer to it changed
#: state (after commit): organisations' public cards list them. The sender
#: is :class:`~evaluation.models.Instruction`.
instructions_changed = Signal()

#: A letter or a proposal from НОК results was saved or deleted: public pages
#: that list them are out of date. The model class is the sender.
public_documents_changed = Signal()
