"""Coping plan pages (editor, versions, compare, restore, print, wallet card, library)."""

urlpatterns: list = []
