"""The desktop's frame around the screens: navigation, menus, idle lock, per-session work."""
