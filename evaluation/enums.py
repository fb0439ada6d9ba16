"""Choice sets of the domain, with Russian labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """Kinds of social-service providers assessed by НОК and the Декада."""

    COMPLEX_CENTRE = "complex_centre", _("Комплексный центр социального обслуживания")
    RESIDENTIAL_HOME = "residential_home", _("Дом-интернат")
    REHABILITATION_CENTRE = "rehabilitation_centre", _("Реабилитационный центр")
    FAMILY_CENTRE = "family_centre", _("Центр помощи семье и детям")
    USZN_OFFICE = "uszn_office", _("Территориальное отделение КГКУ «УСЗН»")
    OTHER = "other", _("Другая организация")


class CampaignKind(models.TextChoices):
    """The two kinds of assessment campaign."""

    NOK = "nok", _("Независимая оценка качества (НОК)")
    DECADE = "decade", _("Декада качества")


class CampaignStatus(models.TextChoices):
    """A campaign's stored status: draft → collecting → review → published,
    or withdrawn. The finer stages are derived (:mod:`evaluation.nok.lifecycle`)."""

    DRAFT = "draft", _("Черновик")
    COLLECTING = "collecting", _("Сбор данных")
    REVIEW = "review", _("Проверка")
    PUBLISHED = "published", _("Опубликована")
    WITHDRAWN = "withdrawn", _("Отозвана")


class DataSource(models.TextChoices):
    """Where an input came from, for provenance."""

    MANUAL = "manual", _("Ввод вручную")
    IMPORT = "import", _("Импорт файла")
    SURVEY = "survey", _("Анкеты портала")
    DEMO = "demo", _("Демонстрационные данные")


class Criterion(models.TextChoices):
    """The five НОК criteria (sections of an improvement plan)."""

    K1 = "K1", _("Открытость и доступность информации")
    K2 = "K2", _("Комфортность условий предоставления услуг")
    K3 = "K3", _("Доступность услуг для инвалидов")
    K4 = "K4", _("Доброжелательность и вежливость работников")
    K5 = "K5", _("Удовлетворённость условиями оказания услуг")


class IndicatorCode(models.TextChoices):
    """The fifteen indicators 1.1–5.3 of the 344н method."""

    P1_1 = "1.1", _("1.1 Полнота информации на стендах и сайте")
    P1_2 = "1.2", _("1.2 Дистанционные способы взаимодействия")
    P1_3 = "1.3", _("1.3 Удовлетворённость открытостью информации")
    P2_1 = "2.1", _("2.1 Комфортные условия")
    P2_2 = "2.2", _("2.2 Своевременность предоставления услуги")
    P2_3 = "2.3", _("2.3 Удовлетворённость комфортностью")
    P3_1 = "3.1", _("3.1 Оборудование помещений для инвалидов")
    P3_2 = "3.2", _("3.2 Условия доступности услуг для инвалидов")
    P3_3 = "3.3", _("3.3 Удовлетворённость доступностью (инвалиды)")
    P4_1 = "4.1", _("4.1 Вежливость при первичном контакте")
    P4_2 = "4.2", _("4.2 Вежливость при оказании услуги")
    P4_3 = "4.3", _("4.3 Вежливость при дистанционном взаимодействии")
    P5_1 = "5.1", _("5.1 Готовность рекомендовать организацию")
    P5_2 = "5.2", _("5.2 Удовлетворённость организационными условиями")
    P5_3 = "5.3", _("5.3 Удовлетворённость в целом")


class MeasureStatus(models.TextChoices):
    """Progress of one measure of an improvement plan."""

    PLANNED = "planned", _("Запланировано")
    IN_PROGRESS = "in_progress", _("Выполняется")
    DONE = "done", _("Выполнено")
    NOT_DONE = "not_done", _("Не выполнено")


class PlanStatus(models.TextChoices):
    """Review state of an improvement plan."""

    DRAFT = "draft", _("Черновик")
    SUBMITTED = "submitted", _("На рассмотрении")
    RETURNED = "returned", _("Возвращён на доработку")
    APPROVED = "approved", _("Утверждён")
    SUPERSEDED = "superseded", _("Заменён новой редакцией")


class SubmissionKind(models.TextChoices):
    """Documents an organisation owes in a campaign (Декада regulation)."""

    DECADE_SUMMARY = "decade_summary", _("Сводная информация о результатах опроса")
    EXPLANATORY_NOTE = "explanatory_note", _("Пояснительная записка")
    IMPROVEMENT_PLAN = "improvement_plan", _("План мероприятий по повышению качества")
    USZN_SUMMARY = (
        "uszn_summary",
        _("Сводная информация УСЗН по территориальным отделениям"),
    )
    USZN_PLAN = "uszn_plan", _("План мероприятий УСЗН")
    FULFILMENT_REPORT = "fulfilment_report", _("Отчёт о реализации плана")


class SubmissionStatus(models.TextChoices):
    """Review state of a received submission."""

    EXPECTED = "expected", _("Ожидается")
    RECEIVED = "received", _("Получено")
    ACCEPTED = "accepted", _("Принято")
    RETURNED = "returned", _("Возвращено на доработку")


class SurveyKind(models.TextChoices):
    """How a questionnaire was taken."""

    QUESTIONNAIRE = "questionnaire", _("Анкетирование")
    INTERVIEW = "interview", _("Интервью")


class SurveyChannel(models.TextChoices):
    """Where a Декада questionnaire was collected (seed 000)."""

    OFFICE = "office", _("В учреждении (отделении)")
    REMOTE_SETTLEMENT = (
        "remote_settlement",
        _("Социальным работником в отдалённом поселении"),
    )
    POST_OFFICE = "post_office", _("В почтовом отделении")
    MFC = "mfc", _("В МФЦ")
    SOCIAL_FUND = "social_fund", _("В отделении Социального фонда")
    BANK = "bank", _("В банке")
    STREET = "street", _("Уличный опрос")
    MAIL = "mail", _("По почте")
    ACTIVE_CITIZEN = (
        "active_citizen",
        _("Портал «Активный гражданин. Красноярский край»"),
    )
    EMAIL = "email", _("По электронной почте")
    FAX = "fax", _("По факсу")
    ONLINE_FORM = "online_form", _("Анкета на портале")


#: Where a paper questionnaire is collected: every channel but the online
#: ones. The printed blank offers these and the typing template lists them.
PAPER_SURVEY_CHANNELS: tuple[tuple[str, str], ...] = tuple(
    (value, label)
    for value, label in SurveyChannel.choices
    if value not in {SurveyChannel.ONLINE_FORM, SurveyChannel.ACTIVE_CITIZEN}
)


class PlanExecutor(models.TextChoices):
    """Who is responsible for a measure of the regional plan (seed 001, Part II)."""

    MINISTRY = "ministry", _("Министерство")
    COUNCIL = "council", _("Общественный совет")
    ORGANISATIONS = "organisations", _("Организации социального обслуживания")
    OPERATOR = "operator", _("Организация-оператор")


class TargetSource(models.TextChoices):
    """Where the actual value of a target indicator comes from."""

    MANUAL = "manual", _("Вводится вручную")
    ASSESSED_SHARE = (
        "assessed_share",
        _("Рассчитывается: доля организаций, прошедших оценку в году"),
    )
    QUESTIONNAIRE_SHARE = (
        "questionnaire_share",
        _("Рассчитывается: доля организаций с анкетой на сайте (мониторинг)"),
    )


class CheckMethod(models.TextChoices):
    """How a website check was made."""

    MANUAL = "manual", _("Проверено сотрудником")
    AUTOMATIC = "automatic", _("Автоматическая проверка")
