"""SkinLab core: analysis, storage, auth, sync and cache. Pure Python; never imports Qt."""
