"""The widgets room: Qt windows and views over the domain's services.

Imports ``workbench`` (services, plain views) and never ``storage``.
"""
