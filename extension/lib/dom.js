// One way to make an element: a tag, its properties (className, textContent, id, type, hidden,
// dir…; `attributes` for ARIA and data), and its children. Text is only ever set as text.

/** The page's element with `id`. */
export const $ = (id) => document.getElementById(id);

/** `<tag>` with `properties` set and `children` (nodes or strings) appended. */
export function element(tag, properties = {}, ...children) {
  const { attributes = {}, ...rest } = properties;
  const made = Object.assign(document.createElement(tag), rest);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  made.append(...children.filter((child) => child !== null && child !== undefined && child !== ''));
  return made;
}

/** A button whose visible word is `verb` and whose accessible name adds `name`. */
export function namedButton(verb, name, className) {
  return element('button', { type: 'button', className }, verb,
    element('span', { className: 'visually-hidden', textContent: ` ${name}` }));
}
