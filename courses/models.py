"""Courses, cases and assessment: built in the issues that follow the slide pipeline."""
