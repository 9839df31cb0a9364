"""Settings split by environment: base, then one of local, test or production on top.

Pick one with DJANGO_SETTINGS_MODULE (config.settings.local is the default of manage.py).
"""
