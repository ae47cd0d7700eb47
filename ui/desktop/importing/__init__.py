"""The Import page: photos from other cameras, analysed in the background for one patient."""
