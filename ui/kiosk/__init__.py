"""The walk-up kiosk: attract -> sign in / guest -> consent -> capture -> analysing -> results ->
take it away -> reset. One module per screen; ``window.KioskWindow`` runs the flow."""
