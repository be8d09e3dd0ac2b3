"""The editorial backend: one module per family of admin pages.

``articles`` (the article list and change form, with workflow, history and revert),
``vocabulary`` (countries, ministers, policies and their merge), ``article_list`` (the
list's bounded counts, date links and rows), ``suggestions`` (the auto-tagger's panel),
``input`` (what a crafted address or post may not do), ``site`` (the desk as front page).
The admin's app config (``articles.apps.NewsroomAdminConfig``) imports the modules that
register pages, once the site exists.
"""
