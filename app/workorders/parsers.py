"""Request parsing that answers 400, not 500, to any JSON it cannot take."""
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # DRF catches ValueError only; "[[[[..." a hundred thousand deep exhausts the stack.
            raise ParseError("JSON parse error - the document is nested too deeply.") from None


PARSERS = [JSONParser, parsers.FormParser, parsers.MultiPartParser]
