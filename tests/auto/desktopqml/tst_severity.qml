import QtQuick
import QtTest
import EcrDesktop

// Severity chips, the chip row and the registry's severity bar: labels, colours (light and
// dark), empty slots, proportional segments.
Item {
    id: root
    width: 600
    height: 200

    Component { id: chipComponent; SeverityChip {} }
    Component { id: chipsComponent; SeverityChips {} }
    Component { id: barComponent; SeverityBar { width: 400 } }

    TestCase {
        name: "Severity"
        when: windowShown

        function initTestCase() {
            Theme.controller = themeBackend
            themeBackend.mode = "light"
        }
        function cleanup() {
            themeBackend.mode = "light"
        }

        function test_chipLabelAndColour_data() {
            return [
                { tag: "critical", severity: "CRITICAL", count: 3, label: "C 3" },
                { tag: "high", severity: "HIGH", count: 12, label: "H 12" },
                { tag: "undefined", severity: "UNDEFINED", count: 1, label: "U 1" },
            ]
        }
        function test_chipLabelAndColour(data) {
            const chip = createTemporaryObject(chipComponent, root, { severity: data.severity, count: data.count })
            verify(chip)
            compare(chip.label, data.label)
            compare(findChild(chip, "chipLabel").text, data.label)
            verify(Qt.colorEqual(chip.color, themeBackend.severityColor(data.severity, false)))
            verify(!chip.empty)
        }

        function test_chipNameZeroAndOverride() {
            const named = createTemporaryObject(chipComponent, root, { severity: "CRITICAL", showName: true })
            compare(named.label, "CRITICAL")
            const none = createTemporaryObject(chipComponent, root, { severity: "NONE", showName: true })
            compare(none.label, "none")
            const zero = createTemporaryObject(chipComponent, root, { severity: "HIGH", count: 0 })
            verify(zero.empty)
            compare(findChild(zero, "chipLabel").text, "")
            verify(Qt.colorEqual(zero.color, "transparent"))
            const neutral = createTemporaryObject(chipComponent, root,
                                                  { severity: "NONE", showName: true, neutral: true, overrideText: "not scanned" })
            compare(neutral.label, "not scanned")
            verify(Qt.colorEqual(neutral.color, Theme.border))
        }

        function test_colourDiffersPerSeverityAndTheme() {
            const names = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED", "NONE"]
            const seen = {}
            for (const n of names) {
                const c = String(themeBackend.severityColor(n, false))
                verify(!(c in seen), "two severities share " + c)
                seen[c] = n
            }
            const chip = createTemporaryObject(chipComponent, root, { severity: "CRITICAL", count: 1 })
            const light = String(chip.color)
            themeBackend.mode = "dark"
            verify(Theme.dark)
            tryVerify(() => String(chip.color) !== light)
            verify(Qt.colorEqual(chip.color, themeBackend.severityColor("CRITICAL", true)))
        }

        function test_chipRow() {
            const chips = createTemporaryObject(chipsComponent, root,
                                                { counts: { "CRITICAL": 2, "LOW": 5 }, scanned: true })
            compare(chips.total, 7)
            compare(findChild(chips, "chipCRITICAL").label, "C 2")
            verify(findChild(chips, "chipCRITICAL").visible)
            verify(findChild(chips, "chipHIGH").empty)       // an empty slot keeps the column
            compare(findChild(chips, "chipLOW").label, "L 5")
            verify(!findChild(chips, "noFindings").visible)

            const clean = createTemporaryObject(chipsComponent, root, { counts: {}, scanned: true })
            verify(findChild(clean, "noFindings").visible)
            compare(findChild(clean, "noFindings").text, "no findings")
            verify(!findChild(clean, "chipCRITICAL").visible)
            const unscanned = createTemporaryObject(chipsComponent, root, { counts: {}, scanned: false })
            compare(findChild(unscanned, "noFindings").text, "\u2014")
        }

        function test_barSegmentsAreProportional() {
            const bar = createTemporaryObject(barComponent, root,
                                              { totals: { "CRITICAL": 1, "HIGH": 3, "MEDIUM": 0, "LOW": 4 } })
            waitForRendering(bar)
            compare(bar.sum, 8)
            const track = findChild(bar, "severityBarTrack")
            compare(track.width, 400)
            fuzzyCompare(findChild(bar, "segmentCRITICAL").width, 50, 0.01)   // 1/8 of 400
            fuzzyCompare(findChild(bar, "segmentHIGH").width, 150, 0.01)      // 3/8
            fuzzyCompare(findChild(bar, "segmentMEDIUM").width, 0, 0.01)
            fuzzyCompare(findChild(bar, "segmentLOW").width, 200, 0.01)       // 4/8
            compare(findChild(bar, "legendHIGH").text, "HIGH 3")
            const empty = createTemporaryObject(barComponent, root, { totals: {} })
            compare(empty.sum, 0)
            compare(findChild(empty, "segmentCRITICAL").width, 0)
        }

        function test_legendGroupsThousands() {
            const bar = createTemporaryObject(barComponent, root, { totals: { "LOW": 12345 } })
            compare(findChild(bar, "legendLOW").text, "LOW 12,345")
        }
    }
}
