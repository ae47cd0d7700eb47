"""The clinician's desktop composition: its services over core, the window start-up and its
screenshots. The screens themselves are in ``ui.desktop``."""
