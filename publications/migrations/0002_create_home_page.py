from django.db import migrations

HOME_TITLE = "Независимая оценка качества социальных услуг"


def create_home_page(apps, schema_editor):
    """Replace Wagtail's welcome page with the portal's home page."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("qp_publications.HomePage")

    page_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_type, slug="home", depth=2).delete()
    if Page.objects.filter(depth=2).exists():
        return  # A site tree exists already: leave it alone.

    home_type, _ = ContentType.objects.get_or_create(
        model="homepage", app_label="qp_publications"
    )
    locale = Locale.objects.order_by("pk").first()
    home = HomePage.objects.create(
        title=HOME_TITLE,
        draft_title=HOME_TITLE,
        slug="home",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        body="[]",
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page_id": home.pk,
                  "site_name": "Портал качества социальных услуг"},
    )


def remove_home_page(apps, schema_editor):
    HomePage = apps.get_model("qp_publications.HomePage")
    HomePage.objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("qp_publications", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
