pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Layouts

// The registry's finding totals as one coloured bar (segment widths proportional to the
// counts) with a legend. All grey when there are no findings.
ColumnLayout {
    id: bar
    property var totals: ({})           // {"CRITICAL": n, ...}
    readonly property var severities: ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"]
    readonly property int sum: {
        let s = 0
        for (const name of severities)
            s += (totals[name] || 0)
        return s
    }
    spacing: 4

    Rectangle {
        objectName: "severityBarTrack"
        Layout.fillWidth: true
        Layout.preferredHeight: 10
        radius: 3
        color: Theme.border
        clip: true
        Row {
            id: segments
            anchors.fill: parent
            Repeater {
                model: bar.severities
                delegate: Rectangle {
                    id: segment
                    required property string modelData
                    objectName: "segment" + modelData
                    height: segments.height
                    width: bar.sum > 0 ? segments.width * (bar.totals[segment.modelData] || 0) / bar.sum : 0
                    color: Theme.severityColor(segment.modelData)
                }
            }
        }
    }
    Flow {
        Layout.fillWidth: true
        spacing: 14
        Repeater {
            model: bar.severities
            delegate: Row {
                id: legendEntry
                required property string modelData
                spacing: 5
                Rectangle {
                    width: 10; height: 10; radius: 2
                    anchors.verticalCenter: legendEntry.verticalCenter
                    color: Theme.severityColor(legendEntry.modelData)
                }
                Text {
                    objectName: "legend" + legendEntry.modelData
                    text: legendEntry.modelData + " "
                          + (bar.totals[legendEntry.modelData] || 0).toLocaleString(Qt.locale("en_US"), "f", 0)
                    color: Theme.secondaryText
                    font.pixelSize: Theme.smallFontSize
                }
            }
        }
    }
}
