"""Referrals to bk (issue 14): a teacher refers a student; bk accepts (an intervention is
opened) or declines."""
