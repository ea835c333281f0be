import QtQuick
import QtQuick.Controls

// One repository row. Its objectName is "repository:<name>" so tests (and accessibility
// tools) can find a given repository's row; `repositoryName` and `worstSeverity` say what
// it shows.
ItemDelegate {
    id: row
    required property int index
    required property string name
    required property int imageCount
    required property string totalSizeText
    required property string newestPushText
    required property string worstSeverity
    required property int critical
    required property int high
    required property bool scanOnPush
    required property string tagMutabilityText
    required property string encryption
    required property string kmsKey
    required property bool imagesFresh
    required property int scannedImages
    property var widths: []             // column widths, in RepositoryPane's column order
    property bool open: false           // its images are shown
    property bool current: ListView.isCurrentItem
    readonly property string repositoryName: name

    objectName: "repository:" + name
    height: Theme.rowHeight
    padding: 0
    focusPolicy: Qt.NoFocus
    highlighted: current

    background: Rectangle {
        color: row.open ? Theme.selection : (row.hovered ? Theme.hover : (row.index % 2 ? Theme.alternate : Theme.surface))
        border.width: row.current && row.ListView.view && row.ListView.view.activeFocus ? 2 : 0
        border.color: Theme.accent
    }

    contentItem: Item {
        Row {
            x: 8
            height: parent.height
            Text {
                objectName: "repositoryName"
                width: row.widths[0]
                height: parent.height
                text: row.name
                elide: Text.ElideMiddle
                verticalAlignment: Text.AlignVCenter
                color: Theme.text
                font.pixelSize: Theme.fontSize
                font.bold: row.open
            }
            Text {
                width: row.widths[1]; height: parent.height
                text: row.imageCount
                verticalAlignment: Text.AlignVCenter
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
            Text {
                width: row.widths[2]; height: parent.height
                text: row.totalSizeText
                verticalAlignment: Text.AlignVCenter
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
            Text {
                width: row.widths[3]; height: parent.height
                text: row.newestPushText !== "" ? row.newestPushText : "—"
                verticalAlignment: Text.AlignVCenter
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
            Item {
                width: row.widths[4]; height: parent.height
                SeverityChip {
                    objectName: "worstSeverityChip"
                    anchors.verticalCenter: parent.verticalCenter
                    severity: row.worstSeverity
                    showName: true
                    // "none" (green) only when something was scanned and found clean.
                    neutral: row.worstSeverity === "NONE" && row.scannedImages === 0
                    overrideText: !neutral ? "" : (row.imageCount === 0 ? "no images" : "not scanned")
                    width: Math.min(implicitWidth, parent.width - 8)
                }
            }
            Text {
                width: row.widths[5]; height: parent.height
                text: row.scanOnPush ? "on" : "off"
                verticalAlignment: Text.AlignVCenter
                color: row.scanOnPush ? Theme.text : Theme.secondaryText
                font.pixelSize: Theme.fontSize
            }
            Text {
                width: row.widths[6]; height: parent.height
                text: row.tagMutabilityText
                elide: Text.ElideRight
                verticalAlignment: Text.AlignVCenter
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
            Text {
                width: row.widths[7]; height: parent.height
                text: row.encryption + (row.imagesFresh ? "" : "  (stale)")
                elide: Text.ElideRight
                verticalAlignment: Text.AlignVCenter
                color: row.imagesFresh ? Theme.text : Theme.warningText
                font.pixelSize: Theme.fontSize
            }
        }
    }

    ToolTip.visible: hovered
    ToolTip.delay: 900
    ToolTip.text: name + (kmsKey !== "" ? "\nKMS key: " + kmsKey : "")
                  + (imagesFresh ? "" : "\nImages could not be read in the last refresh; showing earlier data.")
}
