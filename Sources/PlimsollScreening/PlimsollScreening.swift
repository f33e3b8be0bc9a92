// PlimsollScreening: filled by later issues (see DESIGN.md: Modules).
