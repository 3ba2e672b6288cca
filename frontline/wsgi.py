import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")

from frontline.api.lean import lean_application

application = lean_application(get_wsgi_application())
