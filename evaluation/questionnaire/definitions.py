"""Question sets of the online questionnaire and their skip rules.

Pure functions over plain values (no ORM). The default set is the 675н model
questionnaire, social-service version (METHOD.md §1): Q1–Q15 yes/no with
skips (Q1 no → Q3; Q3 no → Q5; Q7 no → Q9; Q11 no → Q13), Q16 free-text
suggestions, optional sex and age. No name, phone or address is asked.

A campaign may use its own set (a stored, versioned definition): wording and
help texts may differ, but the answers are keyed by the codes ``q1``…``q15``
the rating method counts.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evaluation.decade.summary import QUESTIONS_BY_CODE

SUGGESTION_MAX = 2000
AGE_GROUPS: tuple[tuple[str, str], ...] = (
    ("lt30", "до 30 лет"),
    ("30-49", "30–49 лет"),
    ("50-64", "50–64 года"),
    ("65-79", "65–79 лет"),
    ("80+", "80 лет и старше"),
)
SEXES: tuple[tuple[str, str], ...] = (("f", "женский"), ("m", "мужской"))
_CODE = re.compile(r"^q([1-9]|1[0-5])$")


class DefinitionError(ValueError):
    """A question set definition is malformed; the message is Russian."""


@dataclass(frozen=True)
class QuestionDef:
    """One yes/no question as the respondent sees it.

    Attributes:
        code: ``"q1"``…``"q15"``; the key of the answer.
        text: The question, in Russian.
        help: A hint shown under the question (may be empty).
        asked_if: The filter question whose "yes" makes this one asked;
            ``None`` when everyone is asked.
    """

    code: str
    text: str
    help: str = ""
    asked_if: str | None = None

    @property
    def number(self) -> int:
        """The question's number (2 for ``"q2"``)."""
        return int(self.code[1:])


@dataclass(frozen=True)
class QuestionSetDef:
    """A versioned question set: ``code`` and ``version`` identify it."""

    code: str
    version: int
    title: str
    questions: tuple[QuestionDef, ...]

    @property
    def label(self) -> str:
        """``"675n-social@1"``: stored with every response."""
        return f"{self.code}@{self.version}"

    def dependants(self, code: str) -> tuple[QuestionDef, ...]:
        """Questions skipped when ``code`` is answered "no"."""
        return tuple(q for q in self.questions if q.asked_if == code)


def _q(code: str, text: str, help_text: str = "") -> QuestionDef:
    asked_if = QUESTIONS_BY_CODE[code].asked_if
    return QuestionDef(code, text, help_text, asked_if)


#: The 675н model questionnaire (social services), the default of every campaign.
DEFAULT_SET = QuestionSetDef(
    code="675n-social",
    version=1,
    title="Анкета для оценки качества условий оказания услуг организациями социального обслуживания",
    questions=(
        _q(
            "q1",
            "При посещении организации обращались ли вы к информации о её "
            "деятельности, размещённой на информационных стендах в помещениях "
            "организации?",
        ),
        _q(
            "q2",
            "Удовлетворены ли вы открытостью, полнотой и доступностью информации "
            "о деятельности организации, размещённой на информационных стендах?",
        ),
        _q(
            "q3",
            "Пользовались ли вы официальным сайтом организации, чтобы получить "
            "информацию о её деятельности?",
        ),
        _q(
            "q4",
            "Удовлетворены ли вы открытостью, полнотой и доступностью информации "
            "о деятельности организации, размещённой на её официальном сайте?",
        ),
        _q(
            "q5",
            "Своевременно ли вам была предоставлена услуга (в соответствии с "
            "записью на приём, графиком посещения социального работника и т. п.)?",
        ),
        _q(
            "q6",
            "Удовлетворены ли вы комфортностью условий предоставления услуг?",
            "Зона ожидания, навигация, питьевая вода, санитарные помещения и их "
            "состояние, транспортная доступность, удобство записи на услугу.",
        ),
        _q(
            "q7",
            "Имеете ли вы (или лицо, представителем которого вы являетесь) "
            "установленную группу инвалидности?",
        ),
        _q(
            "q8",
            "Удовлетворены ли вы доступностью предоставления услуг для инвалидов "
            "в организации?",
        ),
        _q(
            "q9",
            "Удовлетворены ли вы доброжелательностью и вежливостью работников, "
            "обеспечивающих первичный контакт и информирование об услугах при "
            "непосредственном обращении в организацию?",
        ),
        _q(
            "q10",
            "Удовлетворены ли вы доброжелательностью и вежливостью работников, "
            "непосредственно оказывающих услугу?",
        ),
        _q(
            "q11",
            "Пользовались ли вы дистанционными способами взаимодействия с "
            "организацией (телефон, электронная почта, электронное обращение, "
            "раздел «Часто задаваемые вопросы», анкета на сайте и другие)?",
        ),
        _q(
            "q12",
            "Удовлетворены ли вы доброжелательностью и вежливостью работников, "
            "с которыми взаимодействовали дистанционно?",
        ),
        _q(
            "q13",
            "Готовы ли вы рекомендовать организацию родственникам и знакомым "
            "(или могли бы вы её рекомендовать, если бы была возможность выбора "
            "организации)?",
        ),
        _q(
            "q14",
            "Удовлетворены ли вы организационными условиями предоставления услуг "
            "(график работы организации, её подразделений и специалистов, график "
            "прихода социального работника на дом и т. п.)?",
        ),
        _q(
            "q15", "Удовлетворены ли вы в целом условиями оказания услуг в организации?"
        ),
    ),
)


def parse_definition(
    code: str, version: int, title: str, questions: Sequence[Mapping[str, object]]
) -> QuestionSetDef:
    """Build a question set from its stored JSON and check it.

    Every question needs a code ``q1``…``q15`` (unique) and a text; a dependent
    question names its filter in ``asked_if``, which must come before it and
    must itself be asked of everyone.

    Raises:
        DefinitionError: the definition is malformed; the message says where.
    """
    if not questions:
        raise DefinitionError("В наборе нет ни одного вопроса.")
    built: list[QuestionDef] = []
    seen: set[str] = set()
    for position, item in enumerate(questions, start=1):
        if not isinstance(item, Mapping):
            raise DefinitionError(f"Вопрос {position}: ожидается объект с полями.")
        q_code = str(item.get("code") or "")
        text = str(item.get("text") or "").strip()
        asked_if = item.get("asked_if") or None
        if not _CODE.match(q_code):
            raise DefinitionError(
                f"Вопрос {position}: код «{q_code}» — ожидается q1…q15."
            )
        if q_code in seen:
            raise DefinitionError(f"Вопрос {position}: код «{q_code}» повторяется.")
        if not text:
            raise DefinitionError(f"Вопрос {position} ({q_code}): нет текста.")
        if asked_if is not None:
            filter_question = next((q for q in built if q.code == asked_if), None)
            if filter_question is None or filter_question.asked_if is not None:
                raise DefinitionError(
                    f"Вопрос {position} ({q_code}): условие «{asked_if}» должно "
                    "ссылаться на предыдущий вопрос, который задаётся всем."
                )
        seen.add(q_code)
        built.append(
            QuestionDef(q_code, text, str(item.get("help") or ""), asked_if)  # type: ignore[arg-type]
        )
    return QuestionSetDef(code, version, title, tuple(built))


def definition_json(question_set: QuestionSetDef) -> list[dict[str, object]]:
    """The stored JSON of a question set (inverse of :func:`parse_definition`)."""
    return [
        {"code": q.code, "text": q.text, "help": q.help, "asked_if": q.asked_if}
        for q in question_set.questions
    ]


@dataclass(frozen=True)
class CleanedAnswers:
    """A respondent's answers after the skip rules and validation.

    Attributes:
        answers: Every question code of the set → ``True``/``False``, or
            ``None`` for a skipped question.
        errors: Question code (or ``"sex"``, ``"age_group"``,
            ``"suggestion"``) → Russian message; empty when valid.
    """

    answers: dict[str, bool | None]
    errors: dict[str, str]


def clean_answers(
    question_set: QuestionSetDef, raw: Mapping[str, object]
) -> CleanedAnswers:
    """Apply the skip rules and require an answer to every asked question.

    ``raw`` maps codes to ``"yes"``/``"no"`` (or booleans). A dependent
    question whose filter was not answered "yes" is skipped: an answer given
    to it anyway (the page without JavaScript shows every question) is
    dropped, never counted.
    """
    answers: dict[str, bool | None] = {}
    errors: dict[str, str] = {}
    for question in question_set.questions:
        if question.asked_if is not None and answers.get(question.asked_if) is not True:
            answers[question.code] = None
            continue
        value = raw.get(question.code)
        if value in (True, "yes"):
            answers[question.code] = True
        elif value in (False, "no"):
            answers[question.code] = False
        else:
            answers[question.code] = None
            if value in (None, ""):
                errors[question.code] = (
                    f"Ответьте на вопрос {question.number}: выберите «Да» или «Нет»."
                )
            else:
                errors[question.code] = (
                    f"Вопрос {question.number}: допустимые ответы — «Да» или «Нет»."
                )
    return CleanedAnswers(answers, errors)


def answers_fingerprint(answers: Mapping[str, bool | None], suggestion: str) -> str:
    """A short digest of a questionnaire's content, for duplicate detection."""
    payload = json.dumps(
        [sorted(answers.items()), " ".join(suggestion.split()).casefold()],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]
