from django.core.management.base import BaseCommand

from shop.regions.services import regions_load


class Command(BaseCommand):
    help = "Load the administrative divisions (counties, townships, villages, streets, communities)."

    def handle(self, *args, **options):
        count = regions_load()
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
