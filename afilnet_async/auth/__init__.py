"""Interchangeable auth strategies: where the credentials and the call's parameters go."""

from .base import AuthStrategy
from .basic import BasicAuth
from .bearer import BearerAuth
from .form import FormAuth
from .oauth2 import OAuth2Auth
from .query import QueryAuth

__all__ = ["AuthStrategy", "BasicAuth", "BearerAuth", "FormAuth", "OAuth2Auth", "QueryAuth"]
