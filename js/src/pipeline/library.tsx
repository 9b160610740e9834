/**
 * The Library section: each name the library code defines, once, with how many cells define
 * it when a notebook redefines it (the cells are in its tooltip; a click goes to the first).
 */
import * as React from 'react';

import type { Pipeline } from '../api';

export interface ILibraryName {
  name: string;
  cellIds: string[];
}

/** The library's names in first-definition order, each with the cells that define it. */
export function libraryNames(library: Pipeline['library']): ILibraryName[] {
  const byName = new Map<string, string[]>();
  for (const item of library) {
    for (const name of item.names) {
      const cells = byName.get(name);
      if (cells === undefined) {
        byName.set(name, [item.cell_id]);
      } else if (!cells.includes(item.cell_id)) {
        cells.push(item.cell_id);
      }
    }
  }
  return [...byName].map(([name, cellIds]) => ({ name, cellIds }));
}

export interface ILibraryProps {
  library: Pipeline['library'];
  cellNumber: (cellId: string) => number | null;
  onGoToCell: (cellId: string, line: number | null) => void;
}

export function Library(props: ILibraryProps): JSX.Element {
  const names = libraryNames(props.library);
  return (
    <ul className="nbbridge-Library">
      {names.map(({ name, cellIds }) => {
        const numbers = cellIds
          .map(id => props.cellNumber(id))
          .filter((n): n is number => n !== null);
        const where = numbers.length
          ? `cell${numbers.length === 1 ? '' : 's'} ${numbers.join(', ')}`
          : '';
        const title =
          cellIds.length > 1
            ? `${name} is defined ${cellIds.length} times (${where}); the last one wins`
            : `${name}${where ? ` (${where})` : ''}`;
        return (
          <li key={name}>
            <button
              className="nbbridge-Library-name"
              data-nbbridge-library={name}
              title={`${title} — click to go to the cell`}
              onClick={() => props.onGoToCell(cellIds[0], null)}
            >
              <code>{name}</code>
              {cellIds.length > 1 && (
                <span
                  className="nbbridge-Library-count"
                  aria-label={`defined ${cellIds.length} times`}
                >
                  ×{cellIds.length}
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
