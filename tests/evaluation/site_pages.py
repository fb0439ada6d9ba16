"""A tiny organisation website served by ``live_server`` for the site checker."""

from django.http import HttpResponse, HttpResponseNotFound
from django.urls import path

HOME = """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>КЦСОН «Забота»</title></head><body>
<h1>КЦСОН «Забота»</h1>
<nav>
  <a href="/svedeniya/">Сведения об организации</a>
  <a href="/dokumenty/">Документы</a>
  <a href="/vopros-otvet/">Часто задаваемые вопросы</a>
  <a href="https://outside.invalid/">Партнёры</a>
  <a href="{anketa}">Анкета для оценки качества услуг</a>
</nav>
<p>Телефон: <a href="tel:+73912000000">+7 (391) 200-00-00</a>,
e-mail: <a href="mailto:info@zabota.example">info@zabota.example</a></p>
<p>Режим работы: пн–пт, 9:00–18:00.</p>
<script>var hidden = "лицензия";</script>
</body></html>"""

INFO = """<html><body><h2>Основные сведения</h2>
<p>Дата государственной регистрации: 01.02.2003. Учредитель: министерство.</p>
<p>Место нахождения: г. Ачинск. Структура и органы управления.</p>
<p>Руководитель: Иванова И. И. Виды социальных услуг. Численность получателей: 300.</p>
</body></html>"""

DOCS = """<html><body><h2>Документы</h2><p>Правила внутреннего распорядка.</p>
<form action="/obrashchenie/"><textarea name="text"></textarea></form></body></html>"""

FAQ = "<html><body><h2>Вопрос-ответ</h2></body></html>"
ANKETA = "<html><body><h2>Анкета</h2><p>Оцените качество услуг.</p></body></html>"


def page(html: str):
    def view(request):
        return HttpResponse(html.replace("{anketa}", "/anketa/"))

    return view


def broken_home(request):
    return HttpResponse(HOME.replace("{anketa}", "/net-takoi-ankety/"))


def not_found(request, exception=None):
    return HttpResponseNotFound("<html><body>Нет такой страницы</body></html>")


handler404 = not_found

urlpatterns = [
    path("", page(HOME)),
    path("svedeniya/", page(INFO)),
    path("dokumenty/", page(DOCS)),
    path("vopros-otvet/", page(FAQ)),
    path("anketa/", page(ANKETA)),
    path("broken/", broken_home),
]
