import GRDB

/// Versioned schema migrations; a migration, once released, is never edited, only appended to.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-genesis") { db in
            try db.create(table: "registry") { table in
                table.column("id", .integer).primaryKey(onConflict: .fail).check { $0 == 1 }
                table.column("genesis", .blob).notNull()
                table.column("chain_id", .blob).notNull()
            }
        }
        return migrator
    }
}
