from django.conf import settings


def evize(request):
    return {"CHAMBER_NAME": settings.EVIZE_CHAMBER_NAME}
