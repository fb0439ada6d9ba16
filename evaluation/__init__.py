"""The evaluation domain: plain Django, organised by subdomain.

Kernel modules at this level are shared by every subdomain (``roles``, ``enums``,
``conf``, ``formatting``, ``morphology``, ``files``, ``bulk``, ``background``,
``deadlines``, ``indexing``, ``signals``; ``models`` registers every model).
Subdomains: ``nok`` (НОК campaigns, results and their publication), ``decade``
(Декада качества), ``plans`` (improvement plans and reports, council decisions,
instructions, letters), ``regional`` (the regional НОК plan and website
monitoring), ``obligations`` (what each party owes and the reminders),
``questionnaire``, ``imports``, ``opendata``. ``rating`` is the pure method;
``api`` the shared REST surface; ``admin`` every Wagtail admin adapter.
See docs/architecture.md.
"""
