"""The demo `make run` loads (never `make setup`): its people, departments, cases and their story
(``loading``), and the somatic view's demo tables (``cancer_knowledge``). Nothing outside the demo, its commands
and the tests imports it."""
