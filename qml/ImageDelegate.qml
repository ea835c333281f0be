import QtQuick
import QtQuick.Controls

// One image row: tags, short digest (click copies the full digest), size, pushed and
// last-pulled times, scan status, finding chips and a button that copies the image URI.
ItemDelegate {
    id: row
    required property int index
    required property string digest
    required property string shortDigest
    required property string tagsText
    required property string sizeText
    required property string pushedAtText
    required property string lastPulledText
    required property string scanStatus
    required property string scanStatusText
    required property string scanStatusDescription
    required property string worstSeverity
    required property string imageUri
    required property int critical
    required property int high
    required property int medium
    required property int low
    required property int informational
    required property int undefinedSeverity
    property var widths: []
    property bool current: ListView.isCurrentItem
    signal copyRequested(string text)

    objectName: "image:" + digest
    height: Theme.rowHeight
    padding: 0
    focusPolicy: Qt.NoFocus

    background: Rectangle {
        color: row.current ? Theme.selection : (row.hovered ? Theme.hover : (row.index % 2 ? Theme.alternate : Theme.surface))
        border.width: row.current && row.ListView.view && row.ListView.view.activeFocus ? 2 : 0
        border.color: Theme.accent
    }

    contentItem: Item {
        Row {
            x: 8
            height: parent.height
            Text {
                objectName: "imageTags"
                width: row.widths[0]; height: parent.height
                text: row.tagsText !== "" ? row.tagsText : "(untagged)"
                elide: Text.ElideRight
                verticalAlignment: Text.AlignVCenter
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
            Item {
                width: row.widths[1]; height: parent.height
                Text {
                    id: digestText
                    objectName: "imageDigest"
                    anchors.verticalCenter: parent.verticalCenter
                    text: row.shortDigest
                    color: digestMouse.containsMouse ? Theme.accent : Theme.text
                    font.family: "monospace"
                    font.pixelSize: Theme.smallFontSize + 1
                    font.underline: digestMouse.containsMouse
                }
                MouseArea {
                    id: digestMouse
                    anchors.fill: digestText
                    hoverEnabled: true
                    cursorShape: Qt.PointingHandCursor
                    onClicked: row.copyRequested(row.digest)
                }
                ToolTip.visible: digestMouse.containsMouse
                ToolTip.text: row.digest + "\nClick to copy"
            }
            Text {
                objectName: "imageSize"
                width: row.widths[2]; height: parent.height
                text: row.sizeText
                verticalAlignment: Text.AlignVCenter
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
            Text {
                width: row.widths[3]; height: parent.height
                text: row.pushedAtText
                verticalAlignment: Text.AlignVCenter
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
            Text {
                width: row.widths[4]; height: parent.height
                text: row.lastPulledText
                verticalAlignment: Text.AlignVCenter
                color: row.lastPulledText === "never" ? Theme.secondaryText : Theme.text
                font.pixelSize: Theme.fontSize
            }
            Text {
                id: scanText
                width: row.widths[5]; height: parent.height
                text: row.scanStatusText
                elide: Text.ElideRight
                verticalAlignment: Text.AlignVCenter
                color: Theme.text
                font.pixelSize: Theme.fontSize
                HoverHandler { id: scanHover }
                ToolTip.visible: scanHover.hovered && row.scanStatusDescription !== ""
                ToolTip.text: row.scanStatusDescription
            }
            Item {
                width: row.widths[6]; height: parent.height
                SeverityChips {
                    objectName: "severityChips"
                    scanned: row.scanStatus === "COMPLETE"
                    anchors.verticalCenter: parent.verticalCenter
                    counts: ({ "CRITICAL": row.critical, "HIGH": row.high, "MEDIUM": row.medium, "LOW": row.low,
                               "INFORMATIONAL": row.informational, "UNDEFINED": row.undefinedSeverity })
                }
            }
            ToolButton {
                objectName: "copyImageUri"
                width: row.widths[7]; height: parent.height
                text: "Copy URI"
                font.pixelSize: Theme.smallFontSize
                focusPolicy: Qt.NoFocus
                onClicked: row.copyRequested(row.imageUri)
                ToolTip.visible: hovered
                ToolTip.text: "Copy " + row.imageUri
            }
        }
    }
}
