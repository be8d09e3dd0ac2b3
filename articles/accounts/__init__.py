"""Staff accounts: login lockouts, two-factor authentication and staff sessions.

logins: who may try to sign in and what is recorded; two_factor: the second step and
its devices; sessions: idle timeout and ending sessions; middleware and views put them
in front of the admin.
"""
