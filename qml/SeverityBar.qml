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
            anchors.fill: parent
            Repeater {
                model: bar.severities
                delegate: Rectangle {
                    required property string modelData
                    objectName: "segment" + modelData
                    height: parent.height
                    width: bar.sum > 0 ? parent.width * (bar.totals[modelData] || 0) / bar.sum : 0
                    color: Theme.severityColor(modelData)
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
                required property string modelData
                spacing: 5
                Rectangle {
                    width: 10; height: 10; radius: 2
                    anchors.verticalCenter: parent.verticalCenter
                    color: Theme.severityColor(modelData)
                }
                Text {
                    objectName: "legend" + modelData
                    text: modelData + " " + (bar.totals[modelData] || 0).toLocaleString(Qt.locale("en_US"), "f", 0)
                    color: Theme.secondaryText
                    font.pixelSize: Theme.smallFontSize
                }
            }
        }
    }
}
