pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The repositories: search by name, sort by any column, Up/Down to move, Enter (or a click)
// to open one. `model` is the session's RoleFilterModel over the repository list.
FocusScope {
    id: pane
    property QtObject model
    property string openRepository: ""
    signal opened(string name)

    readonly property alias list: listView
    readonly property alias searchField: search
    // Name takes what the fixed columns leave.
    readonly property var columns: [
        { title: "Repository", role: "name", width: -1 },
        { title: "Images", role: "imageCount", width: 70 },
        { title: "Size", role: "totalSize", width: 95 },
        { title: "Newest push", role: "newestPush", width: 140 },
        { title: "Worst", role: "worstSeverityRank", width: 125 },
        { title: "Scan on push", role: "scanOnPush", width: 100 },
        { title: "Tag mutability", role: "tagMutability", width: 230 },
        { title: "Encryption", role: "encryption", width: 100 }
    ]
    readonly property real fixedWidth: {
        let w = 0
        for (const c of columns) if (c.width > 0) w += c.width
        return w
    }
    readonly property real nameWidth: Math.max(160, listView.width - fixedWidth - 16)
    readonly property var widths: columns.map(c => c.width > 0 ? c.width : nameWidth)

    function focusSearch() {
        search.forceActiveFocus()
        search.selectAll()
    }
    function openCurrent() {
        if (listView.currentIndex < 0 && listView.count > 0)
            listView.currentIndex = 0
        if (listView.currentIndex >= 0) {
            const name = pane.model.value(listView.currentIndex, "name")
            pane.opened(name)
        }
    }
    // After sorting or searching, keep the cursor on the open repository.
    function syncCurrent() {
        if (!pane.model || pane.openRepository === "")
            return
        const row = pane.model.indexOf("name", pane.openRepository)
        if (row >= 0)
            listView.currentIndex = row
    }
    Connections {
        target: pane.model
        function onSortChanged() { pane.syncCurrent() }
        function onFilterTextChanged() { pane.syncCurrent() }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 6
            spacing: 10
            Label {
                text: "Repositories"
                font.bold: true
                font.pixelSize: 15
                color: Theme.text
            }
            TextField {
                id: search
                objectName: "repositorySearch"
                placeholderText: "Search by name (Ctrl+F)"
                Layout.preferredWidth: 320
                selectByMouse: true
                onTextChanged: if (pane.model) pane.model.filterText = text
                Keys.onDownPressed: {
                    listView.forceActiveFocus()
                    if (listView.currentIndex < 0 && listView.count > 0)
                        listView.currentIndex = 0
                }
                Keys.onReturnPressed: pane.openCurrent()
                Keys.onEnterPressed: pane.openCurrent()
                Keys.onEscapePressed: { text = ""; listView.forceActiveFocus() }
            }
            Label {
                objectName: "repositoryCount"
                text: pane.model ? (pane.model.filterText !== "" ? pane.model.count + " matching" : pane.model.count + " repositories") : ""
                color: Theme.secondaryText
                font.pixelSize: Theme.smallFontSize
            }
            Item { Layout.fillWidth: true }
        }

        SortHeader {
            objectName: "repositorySortHeader"
            Layout.fillWidth: true
            model: pane.model
            columns: pane.columns
            flexibleWidth: pane.nameWidth
        }

        ListView {
            id: listView
            objectName: "repositoryList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            focus: true
            activeFocusOnTab: true
            keyNavigationEnabled: true
            boundsBehavior: Flickable.StopAtBounds
            currentIndex: -1
            highlightMoveDuration: 0
            model: pane.model
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            delegate: RepositoryDelegate {
                id: repositoryRow
                width: listView.width
                widths: pane.widths
                open: repositoryRow.name === pane.openRepository
                onClicked: {
                    listView.currentIndex = repositoryRow.index
                    listView.forceActiveFocus()
                    pane.opened(repositoryRow.name)
                }
            }
            Keys.onReturnPressed: pane.openCurrent()
            Keys.onEnterPressed: pane.openCurrent()
            Label {
                anchors.centerIn: parent
                visible: listView.count === 0
                text: pane.model && pane.model.filterText !== "" ? "No repository matches \u201C" + pane.model.filterText + "\u201D"
                                                                 : "No repositories yet"
                color: Theme.secondaryText
            }
        }
    }
}
