"""The gettext catalogs (a package only so that importlib.resources finds them when installed).

``<catalog>/LC_MESSAGES/messages.po`` and the compiled ``messages.mo`` for zh_Hans, zh_Hant_HK and
zh_Hant_TW; ``messages.pot`` and ``babel.cfg`` for extraction; ``update.py`` regenerates them all
(docs/i18n.md). The runtime side is ``core.i18n``.
"""
