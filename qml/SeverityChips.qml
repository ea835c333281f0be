pragma ComponentBehavior: Bound
import QtQuick

// An image's finding counts as chips, worst first, one fixed slot per severity so rows
// line up like table columns. Without findings: "no findings" when the image was scanned,
// a dash when it was not.
Row {
    id: chips
    property var counts: ({})           // {"CRITICAL": 2, "HIGH": 5, ...}
    property bool scanned: true
    readonly property var severities: ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"]
    readonly property int slotWidth: 40
    readonly property int total: {
        let t = 0
        for (const name of severities)
            t += (counts[name] || 0)
        return t
    }
    spacing: 3

    Text {
        objectName: "noFindings"
        visible: chips.total === 0
        text: chips.scanned ? "no findings" : "—"
        color: Theme.secondaryText
        font.pixelSize: Theme.smallFontSize + 1
    }

    Repeater {
        model: chips.severities
        delegate: SeverityChip {
            id: slot
            required property string modelData
            objectName: "chip" + slot.modelData
            visible: chips.total > 0
            width: chips.slotWidth
            severity: slot.modelData
            count: chips.counts[slot.modelData] || 0
        }
    }
}
