"""The profile form (company and projects): the form and its editors, in small modules; what
other code imports from ``ui.profile_form`` is re-exported here."""
from ui.profile_form.form import ProfileForm

__all__ = ["ProfileForm"]
