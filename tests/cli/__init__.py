import pytest

# The shared helpers assert too (no traceback in any output): keep pytest's detailed
# assertion messages for them, as they had when they lived in the test module.
pytest.register_assert_rewrite("tests.cli.support")
