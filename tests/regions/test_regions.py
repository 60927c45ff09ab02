import pytest

from shop.regions.models import AssistanceProgram, Region, RegionLevel
from shop.regions.services import regions_load

pytestmark = pytest.mark.django_db


def test_load_gives_counties_townships_villages_and_baoan():
    regions_load()
    counts = {lvl: Region.objects.filter(level=lvl).count() for lvl in RegionLevel.values}
    assert counts["county"] == 3
    assert counts["township"] == 59
    assert counts["village"] == 774
    assert counts["street"] == 10
    assert counts["district"] == 1
    longchuan = Region.objects.get(code="441622")
    assert longchuan.name == "龙川县" and longchuan.program == AssistanceProgram.PAIRED
    assert not longchuan.national_poverty_county
    duan = Region.objects.get(code="451228")
    assert duan.program == AssistanceProgram.EAST_WEST and duan.national_poverty_county
    assert Region.objects.get(code="441622102").name == "义都镇"


def test_load_is_idempotent():
    first = regions_load()
    second = regions_load()
    assert first == second == Region.objects.count()


def test_every_village_hangs_under_a_township_of_its_county():
    regions_load()
    for village in Region.objects.filter(level="village").select_related("parent"):
        assert village.parent.level == "township"
        assert village.code.startswith(village.parent.code)
