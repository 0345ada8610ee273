from ninja import Router

router = Router()
public_router = Router()
