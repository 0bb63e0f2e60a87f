#pragma once

#include <QAbstractTableModel>
#include <QStringList>

// A table model whose columns are named once, by their titles in column order; a subclass says
// only what a cell shows. The titles come translated by the subclass's tr(), the subclass keeps
// its Column enum for cell()'s switch and asserts that its ColumnCount matches the titles.
class ColumnTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit ColumnTableModel(QStringList titles, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const final;
    // Horizontal display titles; any other header request goes to QAbstractTableModel. Override
    // for extra header roles only (a tooltip), calling this otherwise.
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // Checks the index, then asks cell().
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const final;

protected:
    // What the cell at a valid row and column shows for the role.
    virtual QVariant cell(int row, int column, int role) const = 0;

private:
    QStringList m_titles;
};
