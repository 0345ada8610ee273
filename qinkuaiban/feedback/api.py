from ninja import Router

router = Router()
rectifications_router = Router()
evaluation_router = Router()
