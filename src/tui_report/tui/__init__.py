"""The guided entry app (Textual). Imported only when the app is opened, never by headless commands."""
