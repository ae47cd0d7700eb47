"""SkinLab's data files (style sheets, recommendation rules, deployment files).

A package only so that ``importlib.resources`` finds it the same way from a source checkout, an
installed wheel and a PyInstaller build; it holds no code."""
