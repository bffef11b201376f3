"""Why data is kept after a deletion request (AVG art. 17): still needed while the child is at
the school, then the grounds of the school's config, each a legal duty or the school's own
policy; data given voluntarily is never kept."""

from __future__ import annotations

from tests.e2e.harness import Harness
from tests.e2e.helpers import linked_director, linked_parent


async def test_the_parent_and_the_head_teacher_see_each_ground_for_what_it_is(
    harness: Harness,
) -> None:
    director = await linked_director(harness, 7003)
    anouk = await linked_parent(harness, 5003, "Anouk Smit", "nl")
    seen = await anouk.tap("Gegevens verwijderen")
    assert (
        "Zolang Thijs op school zit, heeft de school de meeste gegevens nog nodig voor het "
        "onderwijs aan Thijs." in seen.text
    )
    assert "Dit is een wettelijke plicht (Besluit bekostiging WPO)." in seen.text
    assert "Dit is eigen beleid van de school, geen wettelijke plicht." in seen.text
    assert "7 jaar" not in seen.text and "Bekostiging:" not in seen.text
    assert "Gegevens die u vrijwillig heeft opgegeven, worden altijd verwijderd" in seen.text
    await anouk.tap("☐ Verzuim")
    await anouk.tap("Volgende")
    await anouk.send("Het verzuim van vorig jaar mag weg.")
    await anouk.tap("Verzoek versturen")

    await director.send("/take 2026-0001")
    seen = await director.tap("Afwijzen")
    assert seen.buttons == [
        "Nog nodig voor het onderwijs aan het kind",
        "Leerlingadministratie (wettelijke plicht, na vertrek)",
        "Leerlingdossier (eigen beleid, na vertrek)",
        "Annuleren",
    ]
    await director.tap("Leerlingadministratie (wettelijke plicht, na vertrek)")
    seen = await director.send("Verzuim bewaren wij tot 5 jaar na vertrek.")
    assert "Dit is een wettelijke plicht (Besluit bekostiging WPO)." in seen.text
    await director.tap("Bevestigen")
    await harness.deliver_outbox()
    refused = anouk.messages[-1].text
    assert "Waarom de school de gegevens bewaart: Leerlingadministratie" in refused
    assert "Dit is een wettelijke plicht (Besluit bekostiging WPO)." in refused
    assert "Wettelijke grond" not in refused


async def test_voluntary_data_is_never_offered_as_kept(harness: Harness) -> None:
    director = await linked_director(harness, 7003, "en")
    james = await linked_parent(harness, 5001, "James Whitfield", "en")
    seen = await james.tap("Delete data")
    await james.tap(next(b for b in seen.buttons if "Religion" in b))
    await james.tap("☐ Progress and marks")
    await james.tap("Next")
    await james.send("Please delete both.")
    await james.tap("Send request")

    seen = await director.send("/reject 2026-0001")
    assert "cannot be refused as a whole" in seen.text and "Religion" in seen.text
    await director.send("/resolve 2026-0001")
    seen = await director.tap("Partly deleted")
    assert seen.buttons == ["☐ Progress and marks", "Cancel"]
    assert "gave voluntarily is always deleted and is not listed" in seen.text
    await director.tap("☐ Progress and marks")
    await director.tap("Next")
    await director.send("Religion has been deleted.")
    await director.tap("Confirm")
    await harness.deliver_outbox()
    notice = james.messages[-1].text
    assert (
        "• Progress and marks: still needed for your child's education while they are at "
        "the school. After that: Pupil file:" in notice
    )
    assert "This is the school's own policy, not a legal duty." in notice
    assert "by law" not in notice

    # Only voluntary data asked: nothing can be kept, so there is no partial deletion.
    seen = await james.send("/menu")
    seen = await james.tap("Delete data")
    await james.tap(next(b for b in seen.buttons if "Religion" in b))
    await james.tap("Next")
    await james.send("Please delete it.")
    await james.tap("Send request")
    seen = await director.send("/resolve 2026-0002")
    assert "Partly deleted" not in seen.buttons
    assert "Type a short message to the parent" in seen.text
