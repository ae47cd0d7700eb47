"""Charts painted with a QPainter, shared by the kiosk's widgets and the report's pages.

Each painter takes the painter, a rectangle and a style (colours, widths, fonts), so the same chart
reads the same on a touch screen in pixels and on a PDF page in points.
"""
