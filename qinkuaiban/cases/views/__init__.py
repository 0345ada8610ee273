"""The HTML pages of the cases app: applying, my cases, the work queue, the case detail with its
actions, enquiries, official notices, and the public progress and verification pages. Every
view fetches through a selector, checks the shape of the input with a form, calls a service and
turns a DomainError into a message on the page."""
