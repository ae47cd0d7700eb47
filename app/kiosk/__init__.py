"""The walk-up kiosk's composition: its services over core, settings file, images, reports and
screenshots. The screens themselves are in ``ui.kiosk``; ``skinlab --kiosk`` starts them."""
