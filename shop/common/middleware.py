from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the visitor chose another language with the switch
    (the language cookie). For pages, the browser's Accept-Language is deliberately not consulted:
    the shop serves Chinese institutions and must look the same on every office PC."""

    api_prefixes = ("/graphql/",)

    def process_request(self, request):
        if request.path.startswith(self.api_prefixes):
            # API clients state their language in Accept-Language (error messages follow it).
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if request.path.startswith(self.api_prefixes):
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
