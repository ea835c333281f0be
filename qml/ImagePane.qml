pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The images of the open repository: filter by tag or digest, show only CRITICAL/HIGH,
// sort by any column, Up/Down to move, Ctrl+C copies the current image's URI, Escape goes
// back to the repositories. `model` is the session's RoleFilterModel over the image list.
FocusScope {
    id: pane
    property QtObject model
    property string repositoryName: ""
    property string repositoryUri: ""
    signal copyRequested(string text)
    signal backRequested()

    readonly property alias list: listView
    readonly property alias filterField: filter
    readonly property alias severityFilter: severityBox
    readonly property var columns: [
        { title: "Tags", role: "tags", width: -1 },
        { title: "Digest", role: "digest", width: 165 },
        { title: "Size", role: "size", width: 95 },
        { title: "Pushed", role: "pushedAt", width: 140 },
        { title: "Last pulled", role: "lastPulled", width: 140 },
        { title: "Scan", role: "scanStatus", width: 150 },
        { title: "Findings", role: "worstSeverityRank", width: 265 },
        { title: "", role: "", width: 80 }
    ]
    readonly property real fixedWidth: {
        let w = 0
        for (const c of columns) if (c.width > 0) w += c.width
        return w
    }
    readonly property real tagsWidth: Math.max(150, listView.width - fixedWidth - 16)
    readonly property var widths: columns.map(c => c.width > 0 ? c.width : tagsWidth)

    function copyCurrentUri() {
        if (listView.currentIndex >= 0)
            pane.copyRequested(pane.model.value(listView.currentIndex, "imageUri"))
    }

    onRepositoryNameChanged: listView.currentIndex = listView.count > 0 ? 0 : -1

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 6
            spacing: 10
            Label {
                objectName: "imagesTitle"
                text: pane.repositoryName !== "" ? "Images of " + pane.repositoryName : "Images"
                font.bold: true
                font.pixelSize: 15
                color: Theme.text
                elide: Text.ElideMiddle
                Layout.maximumWidth: 520
            }
            ToolButton {
                objectName: "copyRepositoryUri"
                visible: pane.repositoryUri !== ""
                text: "Copy repository URI"
                font.pixelSize: Theme.smallFontSize
                focusPolicy: Qt.NoFocus
                onClicked: pane.copyRequested(pane.repositoryUri)
            }
            TextField {
                id: filter
                objectName: "imageFilter"
                placeholderText: "Filter by tag or digest"
                Layout.preferredWidth: 240
                selectByMouse: true
                onTextChanged: if (pane.model) pane.model.filterText = text
                Keys.onDownPressed: {
                    listView.forceActiveFocus()
                    if (listView.currentIndex < 0 && listView.count > 0)
                        listView.currentIndex = 0
                }
                Keys.onEscapePressed: { text = ""; listView.forceActiveFocus() }
            }
            ComboBox {
                id: severityBox
                objectName: "severityFilter"
                // Ranks as in Severity::Level: HIGH = 5, CRITICAL = 6.
                readonly property var ranks: [0, 5, 6]
                model: ["All images", "CRITICAL or HIGH", "CRITICAL only"]
                implicitWidth: 170
                focusPolicy: Qt.TabFocus
                onActivated: index => { if (pane.model) pane.model.minimumRank = ranks[index] }
                currentIndex: pane.model ? Math.max(0, ranks.indexOf(pane.model.minimumRank)) : 0
            }
            Label {
                objectName: "imageCount"
                text: pane.model ? pane.model.count + (pane.model.count === 1 ? " image" : " images") : ""
                color: Theme.secondaryText
                font.pixelSize: Theme.smallFontSize
            }
            Item { Layout.fillWidth: true }
        }

        SortHeader {
            objectName: "imageSortHeader"
            Layout.fillWidth: true
            model: pane.model
            columns: pane.columns
            flexibleWidth: pane.tagsWidth
        }

        ListView {
            id: listView
            objectName: "imageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            focus: true
            activeFocusOnTab: true
            keyNavigationEnabled: true
            boundsBehavior: Flickable.StopAtBounds
            highlightMoveDuration: 0
            currentIndex: -1
            model: pane.model
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            delegate: ImageDelegate {
                id: imageRow
                width: listView.width
                widths: pane.widths
                onClicked: {
                    listView.currentIndex = imageRow.index
                    listView.forceActiveFocus()
                }
                onCopyRequested: text => pane.copyRequested(text)
            }
            Keys.onEscapePressed: pane.backRequested()
            Keys.onLeftPressed: pane.backRequested()
            Keys.onPressed: event => {
                if (event.key === Qt.Key_C && (event.modifiers & Qt.ControlModifier)) {
                    pane.copyCurrentUri()
                    event.accepted = true
                }
            }
            Label {
                anchors.centerIn: parent
                visible: listView.count === 0
                text: pane.repositoryName === "" ? "Open a repository to see its images (Enter)"
                      : (pane.model && (pane.model.filterText !== "" || pane.model.minimumRank > 0)
                         ? "No image matches the filter" : "This repository has no tagged images")
                color: Theme.secondaryText
            }
        }
    }
}
