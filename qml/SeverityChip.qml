import QtQuick
import QtQuick.Controls

// One severity as a coloured chip: "C 12" (letter and count), or the full name when
// `showName` is set. A zero count is drawn as an empty outline so columns stay aligned.
Rectangle {
    id: chip
    property string severity: "NONE"
    property int count: -1              // -1: no count, just the label
    property bool showName: false
    property bool neutral: false        // grey, e.g. "not scanned"
    property string overrideText: ""    // replaces the label when set
    readonly property bool empty: count === 0
    readonly property string label: overrideText !== "" ? overrideText
                                    : showName ? (severity === "NONE" ? "none" : severity)
                                               : (severity.charAt(0) + (count >= 0 ? " " + count : ""))

    implicitWidth: Math.max(labelText.implicitWidth + 12, 34)
    implicitHeight: 20
    radius: 4
    color: empty ? "transparent" : (neutral ? Theme.border : Theme.severityColor(severity))

    Text {
        id: labelText
        objectName: "chipLabel"
        anchors.centerIn: parent
        text: chip.empty ? "" : chip.label
        color: chip.neutral ? Theme.text : Theme.severityTextColor(chip.severity)
        font.pixelSize: Theme.smallFontSize
        font.bold: true
    }

    ToolTip.visible: hover.hovered && !empty
    ToolTip.text: count >= 0 ? count + " " + severity + " finding" + (count === 1 ? "" : "s") : severity
    ToolTip.delay: 500
    HoverHandler { id: hover }
}
