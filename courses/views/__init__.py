"""Course pages, split by who uses them: browsing and people (courses.py), authoring
(authoring.py), studying a case (study.py)."""
