/**
 * One CSV line (RFC 4180 within a line: fields in double quotes may hold commas and `""` for a quote).
 * Returns the fields, or what is wrong as text. Fields spanning lines are not supported: region names
 * have no line breaks, and reading line by line keeps line numbers exact.
 */
export function splitCsvLine(line: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) return 'a quoted value is not closed (a value may not span lines)';
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      if (i < line.length && line[i] !== ',') return `unexpected text after a quoted value at column ${i + 1}`;
      fields.push(value);
    } else {
      const end = line.indexOf(',', i);
      const value = line.slice(i, end < 0 ? line.length : end);
      if (value.includes('"')) return `a quote inside an unquoted value at column ${i + value.indexOf('"') + 1}`;
      fields.push(value);
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i++; // the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

/** A value as a CSV field, quoted when it must be. */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}
