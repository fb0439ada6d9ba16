"""``manage.py erase_questionnaire_ips``: erase address hashes past the abuse window.

Run it daily (cron, a scheduled task): online questionnaires keep the salted
hashes of the sender's address and network only for
``QUESTIONNAIRE_IP_HASH_KEEP`` seconds (two days by default).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from evaluation.questionnaire.services import erase_address_hashes


class Command(BaseCommand):
    help = "Удаляет хеши адресов онлайн-анкет старше окна защиты от накруток."

    def handle(self, *args, **options) -> None:
        erased = erase_address_hashes()
        self.stdout.write(f"Удалены хеши адресов: {erased} анкет.")
