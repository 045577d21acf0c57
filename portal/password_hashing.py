"""How passwords are stored: Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

Django's default, PBKDF2-SHA256 with 1,000,000 iterations, cost 828 ms of CPU per login on a
2-core box, so an exam's worth of trainees signing in within a minute asked for more CPU than the
machine had, and every tile and autosave queued behind the hashing (bench/FINDINGS.md, note 6).
Argon2id with these parameters checks a password in about 30 ms here. It is memory-hard (each
guess needs 19 MiB), which is what makes guessing expensive on GPUs, where PBKDF2's iterations are
cheap; OWASP's password storage guidance lists these parameters and PBKDF2-SHA256 at 600,000
iterations as options of comparable strength, with Argon2id first.

Hashes made with PBKDF2 (accounts created before this change) still verify, and Django re-hashes
them with Argon2id at the user's next successful sign-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    # Same algorithm name and encoding as Django's hasher: only the parameters differ, and
    # Django re-hashes a stored hash whose parameters differ from these at the next sign-in.
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
