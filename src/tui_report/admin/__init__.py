"""The administrator's face: ``tui-report doctor`` checks that a server is ready for the operators.

Each check returns located results (✓ / ! / ✗ with the fix in Chinese), never an exception: the
checks meet hostile folders (FIFOs, symlinks, huge listings) and broken tools (fontconfig,
LibreOffice that hangs) and must still finish and print.
"""
